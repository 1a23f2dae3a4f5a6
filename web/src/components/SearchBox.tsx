import { useEffect, useState } from 'preact/hooks'

/** A search field that reports what was typed after a short pause (and at once on Enter). */
export function SearchBox(props: {
  id: string
  label: string
  value: string
  onSearch: (q: string) => void
  placeholder?: string
}) {
  const [text, setText] = useState(props.value)
  useEffect(() => setText(props.value), [props.value])
  useEffect(() => {
    if (text === props.value) return
    const timer = setTimeout(() => props.onSearch(text.trim()), 350)
    return () => clearTimeout(timer)
  }, [text])
  return (
    <form
      class="field field-compact search"
      onSubmit={(event) => {
        event.preventDefault()
        props.onSearch(text.trim())
      }}
    >
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="search"
        value={text}
        placeholder={props.placeholder}
        onInput={(event) => setText((event.currentTarget as HTMLInputElement).value)}
      />
    </form>
  )
}
