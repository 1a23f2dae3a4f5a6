// A search snippet from the server: HTML-escaped text with the matches in <mark>…</mark>. It is
// rendered as text nodes and <mark> elements, never as HTML: even a server bug could not inject
// markup here.
import type { JSX } from 'preact'

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity)
}

export function Highlighted({ html }: { html: string }) {
  const parts: (string | JSX.Element)[] = []
  let marked = false
  html.split(/(<mark>|<\/mark>)/).forEach((piece, index) => {
    if (piece === '<mark>') marked = true
    else if (piece === '</mark>') marked = false
    else if (piece !== '')
      parts.push(marked ? <mark key={index}>{decodeEntities(piece)}</mark> : decodeEntities(piece))
  })
  return <>{parts}</>
}
