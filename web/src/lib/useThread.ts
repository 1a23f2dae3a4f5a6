// A ticket's comments or history, which the API serves a page at a time (oldest first): shows the
// latest ones and loads earlier pages on request. Reloads (live events, a new reply) fetch again
// from the earliest page already shown to the end, so what the reader opened stays open.
import { useRef, useState } from 'preact/hooks'
import type { Page } from '../api/types'
import { type Async, toApiError, useAsync } from './useAsync'

/** The API's largest page. */
export const THREAD_PAGE = 100
/** A latest page shorter than this is topped up with the one before it. */
const MIN_SHOWN = 20

export type PageFetcher<T> = (page: number, limit: number) => Promise<Page<T>>

export interface Thread<T> extends Async<T[]> {
  /** Items before the first one shown (0 once everything is loaded). */
  earlier: number
  loadingEarlier: boolean
  loadEarlier: () => Promise<void>
}

export function useThread<T>(fetchPage: PageFetcher<T>, deps: readonly unknown[]): Thread<T> {
  // The 1-based page of the first item shown; undefined until loaded, reset when deps change.
  const firstPage = useRef<number | undefined>(undefined)
  const loadedFor = useRef<string>('')
  const key = JSON.stringify(deps)
  const [earlier, setEarlier] = useState(0)
  const [loadingEarlier, setLoadingEarlier] = useState(false)
  const [earlierError, setEarlierError] = useState<Async<T[]>['error']>()

  const async = useAsync(async () => {
    if (loadedFor.current !== key) {
      loadedFor.current = key
      firstPage.current = undefined
    }
    const start = firstPage.current
    const head = await fetchPage(start ?? 1, THREAD_PAGE)
    const lastPage = Math.max(1, Math.ceil(head.meta.total / THREAD_PAGE))
    let from = start ?? 1
    let items = head.items
    if (start === undefined && lastPage > 1) {
      // First visit to a long thread: the latest page, plus the one before when it is short.
      from = lastPage
      items = (await fetchPage(lastPage, THREAD_PAGE)).items
      if (items.length < MIN_SHOWN) {
        from = lastPage - 1
        items = [...(await fetchPage(from, THREAD_PAGE)).items, ...items]
      }
    } else {
      for (let page = from + 1; page <= lastPage; page++) {
        items = [...items, ...(await fetchPage(page, THREAD_PAGE)).items]
      }
    }
    firstPage.current = from
    setEarlier((from - 1) * THREAD_PAGE)
    return items
  }, deps)

  const loadEarlier = async () => {
    const first = firstPage.current
    if (first === undefined || first <= 1 || loadingEarlier) return
    setLoadingEarlier(true)
    setEarlierError(undefined)
    try {
      const page = await fetchPage(first - 1, THREAD_PAGE)
      firstPage.current = first - 1
      setEarlier((first - 2) * THREAD_PAGE)
      async.setData([...page.items, ...(async.data ?? [])])
    } catch (e) {
      setEarlierError(toApiError(e))
    } finally {
      setLoadingEarlier(false)
    }
  }

  return { ...async, error: async.error ?? earlierError, earlier, loadingEarlier, loadEarlier }
}
