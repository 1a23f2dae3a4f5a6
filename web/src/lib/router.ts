// A small History-API router: the server answers index.html for any page URL (src/http/web.ts),
// so real paths work on reload and can be bookmarked.
import { useEffect, useState } from 'preact/hooks'

type Listener = () => void
const listeners = new Set<Listener>()

function notify(): void {
  for (const listener of listeners) listener()
}

window.addEventListener('popstate', notify)

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const current = location.pathname + location.search
  if (to === current) return
  if (options.replace) history.replaceState(null, '', to)
  else history.pushState(null, '', to)
  notify()
}

export interface Location {
  path: string
  query: URLSearchParams
}

function read(): Location {
  return { path: location.pathname, query: new URLSearchParams(location.search) }
}

export function useLocation(): Location {
  const [loc, setLoc] = useState(read)
  useEffect(() => {
    const update = () => setLoc(read())
    listeners.add(update)
    return () => {
      listeners.delete(update)
    }
  }, [])
  return loc
}

/** Matches "/tickets/:id" against a path; the params, or undefined. */
export function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean)
  const have = path.split('/').filter(Boolean)
  if (want.length !== have.length) return undefined
  const params: Record<string, string> = {}
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? ''
    const h = have[i] ?? ''
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h)
    else if (w !== h) return undefined
  }
  return params
}

/** Replaces some query parameters of the current URL (filters, page); '' or undefined removes one. */
export function setQuery(changes: Record<string, string | number | undefined>): void {
  const query = new URLSearchParams(location.search)
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') query.delete(key)
    else query.set(key, String(value))
  }
  const text = query.toString()
  navigate(`${location.pathname}${text ? `?${text}` : ''}`, { replace: true })
}

/** Link clicks stay in the app; modified clicks (new tab, …) are left to the browser. */
export function followLink(event: MouseEvent, href: string): void {
  if (event.defaultPrevented || event.button !== 0) return
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  event.preventDefault()
  navigate(href)
}
