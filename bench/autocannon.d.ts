// autocannon ships no types. This declares the part of its programmatic API the benchmark uses
// (autocannon 8: lib/run.js, lib/aggregateResult.js), instead of adding @types/autocannon.
declare module 'autocannon' {
  namespace autocannon {
    interface Options {
      url: string
      connections?: number
      duration?: number
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
      headers?: Record<string, string>
      body?: string
      /** Seconds before a request counts as a timeout (default 10). */
      timeout?: number
      /** Requests each connection sends in turn; setupRequest may rewrite each one (e.g. its path). */
      requests?: { setupRequest?: (request: Request) => Request }[]
    }

    interface Request {
      method?: string
      path: string
      headers?: Record<string, string>
      body?: string
    }

    /** A histogram summary; latency figures are in milliseconds, request figures per second. */
    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p90: number
      p99: number
    }

    interface Result {
      url: string
      connections: number
      /** Seconds. */
      duration: number
      latency: Histogram
      requests: Histogram & { sent: number }
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      '2xx': number
      statusCodeStats: Record<string, { count: number }>
    }
  }

  function autocannon(options: autocannon.Options): Promise<autocannon.Result>
  export = autocannon
}
