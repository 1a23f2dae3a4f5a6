// The search field in the header: results as you type (debounced; a newer keystroke cancels the
// request before it), arrow keys and Enter in the list, Escape closes it, and `/` anywhere outside
// a text field jumps here. Enter without a chosen result opens the results page.
import { useEffect, useRef, useState } from 'preact/hooks'
import { search } from '../api/endpoints'
import type { SearchHit } from '../api/types'
import { navigate } from '../lib/router'
import { Highlighted } from './Highlighted'

const DEBOUNCE_MS = 200
const SUGGESTIONS = 6

function typingInAField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName)
}

export function HeaderSearch() {
  const input = useRef<HTMLInputElement>(null)
  const [text, setText] = useState('')
  const [hits, setHits] = useState<SearchHit[]>([])
  const [total, setTotal] = useState(0)
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(-1)
  const [state, setState] = useState<'idle' | 'loading' | 'error'>('idle')

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) return
      if (typingInAField(event.target)) return
      event.preventDefault()
      input.current?.focus()
      input.current?.select()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])

  useEffect(() => {
    const q = text.trim()
    if (q === '') {
      setHits([])
      setState('idle')
      return
    }
    const controller = new AbortController()
    const timer = setTimeout(() => {
      setState('loading')
      search
        .tickets({ q, limit: SUGGESTIONS }, controller.signal)
        .then((result) => {
          setHits(result.items)
          setTotal(result.meta.total)
          setActive(-1)
          setState('idle')
        })
        .catch(() => {
          if (!controller.signal.aborted) setState('error')
        })
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      controller.abort()
    }
  }, [text])

  const close = () => {
    setOpen(false)
    setActive(-1)
  }
  const go = (href: string) => {
    close()
    input.current?.blur()
    navigate(href)
  }
  const resultsPage = () => `/search?q=${encodeURIComponent(text.trim())}`
  // The list's rows: the hits, then "all results".
  const rows = hits.length + 1
  const showList = open && text.trim() !== ''

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      setOpen(true)
      const step = event.key === 'ArrowDown' ? 1 : -1
      // -1 is the field itself: the list wraps through it.
      setActive((current) => {
        const next = current + step
        if (next >= rows) return -1
        return next < -1 ? rows - 1 : next
      })
    } else if (event.key === 'Enter') {
      event.preventDefault()
      if (text.trim() === '') return
      const hit = active >= 0 ? hits[active] : undefined
      go(hit ? `/tickets/${hit.id}` : resultsPage())
    } else if (event.key === 'Escape') {
      if (showList) close()
      else input.current?.blur()
    }
  }

  const optionId = (index: number) => `header-search-option-${index}`
  return (
    <div class="header-search">
      <label for="header-search" class="visually-hidden">
        Search tickets
      </label>
      <input
        id="header-search"
        ref={input}
        type="search"
        role="combobox"
        aria-expanded={showList}
        aria-controls="header-search-results"
        aria-autocomplete="list"
        aria-activedescendant={showList && active >= 0 ? optionId(active) : undefined}
        aria-keyshortcuts="/"
        placeholder="Search tickets  /"
        autocomplete="off"
        value={text}
        onInput={(event) => {
          setText(event.currentTarget.value)
          setOpen(true)
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(close, 150)}
        onKeyDown={onKeyDown}
      />
      {showList && (
        <div
          id="header-search-results"
          class="header-search-results"
          role="listbox"
          aria-label="Search results"
        >
          {hits.map((hit, index) => (
            <div
              key={hit.id}
              id={optionId(index)}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              class="header-search-option"
              onMouseDown={(event) => {
                event.preventDefault()
                go(`/tickets/${hit.id}`)
              }}
            >
              <span class="header-search-title">
                <span class="ticket-number">#{hit.number}</span> <Highlighted html={hit.highlight.title} />
              </span>
              <span class="header-search-body">
                <Highlighted html={hit.highlight.body} />
              </span>
            </div>
          ))}
          {state === 'idle' && hits.length === 0 && <div class="header-search-empty">No tickets match</div>}
          {state === 'error' && (
            <div class="header-search-empty">Search failed; press Enter to try on the results page</div>
          )}
          <div
            id={optionId(hits.length)}
            role="option"
            tabIndex={-1}
            aria-selected={active === hits.length}
            class="header-search-option header-search-all"
            onMouseDown={(event) => {
              event.preventDefault()
              go(resultsPage())
            }}
          >
            {hits.length > 0 ? `All ${total.toLocaleString('en-US')} results` : 'Open the results page'}
          </div>
        </div>
      )}
    </div>
  )
}
