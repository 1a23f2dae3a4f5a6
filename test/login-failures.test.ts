// The failed-sign-in counter behind the per-(email, IP) lock-out, on a clock the test moves.
import { describe, expect, it } from 'vitest'
import { createLoginFailures } from '../src/modules/auth/login-failures.js'

function clock() {
  let time = 1_000_000
  return { now: () => time, advance: (ms: number) => (time += ms) }
}

describe('login failures per (email, IP)', () => {
  it('locks a key after `max` failures for the rest of its window, and no other key', () => {
    const { now, advance } = clock()
    const failures = createLoginFailures(3, 60_000, 100, now)
    for (let i = 0; i < 3; i++) {
      expect(failures.retryAfterSeconds('alice\nA')).toBe(0)
      failures.recordFailure('alice\nA')
    }
    expect(failures.retryAfterSeconds('alice\nA')).toBe(60)
    expect(failures.retryAfterSeconds('alice\nB')).toBe(0)
    expect(failures.retryAfterSeconds('bob\nA')).toBe(0)
    advance(59_500)
    expect(failures.retryAfterSeconds('alice\nA')).toBe(1)
    advance(500)
    expect(failures.retryAfterSeconds('alice\nA')).toBe(0)
  })

  it('a success clears the failures before the limit', () => {
    const failures = createLoginFailures(2, 60_000, 100, clock().now)
    failures.recordFailure('k')
    failures.clear('k')
    failures.recordFailure('k')
    expect(failures.retryAfterSeconds('k')).toBe(0)
  })

  it('keeps at most `capacity` keys however many emails are tried', () => {
    const failures = createLoginFailures(1, 60_000, 10, clock().now)
    for (let i = 0; i < 1000; i++) failures.recordFailure(`user${i}\nA`)
    const locked = Array.from({ length: 1000 }, (_, i) => failures.retryAfterSeconds(`user${i}\nA`) > 0)
    expect(locked.filter(Boolean).length).toBeLessThanOrEqual(10)
    // The newest are the ones kept.
    expect(failures.retryAfterSeconds('user999\nA')).toBeGreaterThan(0)
  })
})
