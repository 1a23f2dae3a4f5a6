import { useEffect, useState } from 'preact/hooks'
import { formatDateTime, formatRelative } from '../lib/format'

// One timer for every relative time on screen: "2 minutes ago" moves on by itself.
const tickers = new Set<(now: number) => void>()
setInterval(() => {
  const now = Date.now()
  for (const tick of tickers) tick(now)
}, 30_000)

function useNow(): number {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    tickers.add(setNow)
    return () => {
      tickers.delete(setNow)
    }
  }, [])
  return now
}

/** "5 minutes ago", with the full local date and time on hover and for assistive tech. */
export function RelativeTime({ iso }: { iso: string }) {
  const now = useNow()
  const full = formatDateTime(iso)
  return (
    <time dateTime={iso} title={full}>
      {formatRelative(iso, now)}
    </time>
  )
}

export function DateTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>
}
