// Failed sign-ins per (email, client address), in memory: enough to stop one address guessing one
// account's password, without letting anyone lock an account's owner out from another address.

export interface LoginFailures {
  /** Seconds until `key` may try again, or 0 when it may try now. */
  retryAfterSeconds(key: string): number
  recordFailure(key: string): void
  /** A successful sign-in forgets that address's earlier mistakes. */
  clear(key: string): void
}

interface Window {
  failures: number
  resetsAt: number
}

/**
 * `max` failures per `windowMs`, counted from the first failure. At most `capacity` keys are kept
 * (expired ones first, then the oldest): a flood of made-up emails cannot grow memory without bound.
 */
export function createLoginFailures(
  max: number,
  windowMs = 60_000,
  capacity = 50_000,
  now: () => number = Date.now,
): LoginFailures {
  const windows = new Map<string, Window>()

  const current = (key: string) => {
    const window = windows.get(key)
    if (window && window.resetsAt <= now()) {
      windows.delete(key)
      return undefined
    }
    return window
  }

  const makeRoom = () => {
    const time = now()
    for (const [key, window] of windows) if (window.resetsAt <= time) windows.delete(key)
    // Map iterates in insertion order: the first keys are the oldest windows.
    for (const key of windows.keys()) {
      if (windows.size < capacity) break
      windows.delete(key)
    }
  }

  return {
    retryAfterSeconds(key) {
      const window = current(key)
      if (!window || window.failures < max) return 0
      return Math.max(1, Math.ceil((window.resetsAt - now()) / 1000))
    },
    recordFailure(key) {
      const window = current(key)
      if (window) {
        window.failures += 1
        return
      }
      if (windows.size >= capacity) makeRoom()
      windows.set(key, { failures: 1, resetsAt: now() + windowMs })
    },
    clear(key) {
      windows.delete(key)
    },
  }
}
