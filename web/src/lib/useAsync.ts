// Loads data for a page and reloads it on demand (a live event, a filter change). A reload
// keeps the data on screen until the new answer arrives, so live refreshes never flash a
// skeleton; answers that arrive out of order are dropped.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../api/client'

export interface Async<T> {
  data: T | undefined
  error: ApiError | undefined
  loading: boolean
  /** Loads again; resolves with the new data (undefined when it failed or a newer load won). */
  reload: () => Promise<T | undefined>
  setData: (data: T) => void
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  return new ApiError(0, 'Something went wrong', error instanceof Error ? error.message : String(error))
}

export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<ApiError | undefined>(undefined)
  const [loading, setLoading] = useState(true)
  const generation = useRef(0)
  const loader = useRef(load)
  loader.current = load

  const reload = useCallback(async () => {
    const mine = ++generation.current
    setLoading(true)
    try {
      const result = await loader.current()
      if (mine !== generation.current) return undefined
      setData(result)
      setError(undefined)
      return result
    } catch (e) {
      if (mine === generation.current) setError(toApiError(e))
      return undefined
    } finally {
      if (mine === generation.current) setLoading(false)
    }
  }, [])

  // The caller lists what the load depends on (like useEffect's own deps).
  useEffect(() => {
    void reload()
  }, deps)

  return { data, error, loading, reload, setData }
}
