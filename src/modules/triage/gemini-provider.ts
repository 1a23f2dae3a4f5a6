// Triage through the Gemini API (or anything at GEMINI_BASE_URL that speaks its generateContent wire format).
import { ApiError, FinishReason, type GenerateContentResponse, GoogleGenAI } from '@google/genai'
import type { Config } from '../../config.js'
import { analysisJsonSchema, buildPrompt, parseAnalysis } from './prompt.js'
import {
  isRetryableStatus,
  parseRetryAfter,
  type RemoteOptions,
  resolveRemoteOptions,
  TransientError,
  withRetries,
} from './remote-retry.js'
import { InvalidOutputError, TriageError, type TriageProvider } from './triage.types.js'

export type GeminiSettings = Config['ai']['gemini']

// Stops that another attempt with the same ticket would only repeat: the model was not allowed to answer.
const REFUSED = new Set<string>([
  FinishReason.SAFETY,
  FinishReason.RECITATION,
  FinishReason.LANGUAGE,
  FinishReason.BLOCKLIST,
  FinishReason.PROHIBITED_CONTENT,
  FinishReason.SPII,
  FinishReason.IMAGE_SAFETY,
  FinishReason.IMAGE_PROHIBITED_CONTENT,
  FinishReason.IMAGE_RECITATION,
])

export function createGeminiProvider(settings: GeminiSettings, options?: RemoteOptions): TriageProvider {
  const opts = resolveRemoteOptions(options)
  const client = new GoogleGenAI({
    // Always an explicit key: without one the SDK falls back to GOOGLE_API_KEY/GEMINI_API_KEY from the
    // environment and, failing that, to Google Cloud application-default credentials. A keyless proxy
    // at GEMINI_BASE_URL gets a placeholder.
    apiKey: settings.apiKey ?? 'not-needed',
    // No retryOptions: the SDK then makes exactly one request per call, and withRetries owns the policy.
    httpOptions: { ...(settings.baseUrl ? { baseUrl: settings.baseUrl } : {}), timeout: opts.timeoutMs },
  })

  return {
    name: 'gemini',
    inProcess: false,
    async analyse(ticket, catalog, signal) {
      const prompt = buildPrompt(ticket, catalog)
      return withRetries('gemini', opts, signal, async () => {
        // ApiError keeps only status and body, so the Retry-After header is caught on the way past.
        const seen: { retryAfterMs?: number } = {}
        let response: GenerateContentResponse
        try {
          response = await client.models.generateContent({
            model: settings.model,
            contents: [{ role: 'user', parts: [{ text: prompt.user }] }],
            config: {
              systemInstruction: prompt.system,
              responseMimeType: 'application/json',
              // responseJsonSchema takes plain JSON Schema; responseSchema wants the OpenAPI-style Schema type.
              responseJsonSchema: analysisJsonSchema,
              temperature: 0.2,
              // Continuation would re-send the request behind our back, outside the attempt budget.
              automaticContinuation: false,
              abortSignal: signal,
              httpOptions: { fetch: recordRetryAfter(seen) },
            },
          })
        } catch (error) {
          throw classify(error, seen.retryAfterMs)
        }
        return parseAnalysis(answerText(response), catalog)
      })
    },
  }
}

function recordRetryAfter(seen: { retryAfterMs?: number }) {
  return async (...args: Parameters<typeof fetch>): Promise<Response> => {
    const response = await fetch(...args)
    if (!response.ok) seen.retryAfterMs = parseRetryAfter(response.headers)
    return response
  }
}

function classify(error: unknown, retryAfterMs: number | undefined): TriageError {
  if (error instanceof ApiError) {
    const message = `gemini answered HTTP ${error.status}`
    if (!isRetryableStatus(error.status)) return new TriageError(message, false, { cause: error })
    return new TransientError(message, retryAfterMs ?? retryDelayFromBody(error.message), { cause: error })
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new TransientError('gemini request timed out', undefined, { cause: error })
  }
  if (error instanceof TypeError && error.message === 'fetch failed') {
    return new TransientError('gemini could not be reached', undefined, { cause: error })
  }
  return new TriageError('gemini request failed', false, { cause: error })
}

/** Gemini puts its wait in the error body (google.rpc.RetryInfo, e.g. "retryDelay": "37s") more often than in a header. */
function retryDelayFromBody(body: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    const details = (parsed as { error?: { details?: unknown } }).error?.details
    if (!Array.isArray(details)) return undefined
    for (const detail of details as Array<{ '@type'?: unknown; retryDelay?: unknown }>) {
      if (typeof detail?.['@type'] !== 'string' || !detail['@type'].endsWith('RetryInfo')) continue
      const seconds = /^(\d+(?:\.\d+)?)s$/.exec(String(detail.retryDelay))?.[1]
      if (seconds !== undefined) return Number.parseFloat(seconds) * 1000
    }
  } catch {
    // Not JSON: no delay to honour.
  }
  return undefined
}

function answerText(response: GenerateContentResponse): string {
  const feedback = response.promptFeedback
  if (feedback?.blockReason) {
    const detail = feedback.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : ''
    throw new TriageError(`gemini blocked the prompt (${feedback.blockReason}${detail})`, false)
  }
  const candidate = response.candidates?.[0]
  if (!candidate) throw new TriageError('gemini returned no candidates', false)
  const reason = candidate.finishReason
  if (reason && REFUSED.has(reason)) throw new TriageError(`gemini refused to answer (${reason})`, false)
  // Thought parts (thinking models) are not the answer; response.text would skip them too, but warns.
  const text = (candidate.content?.parts ?? [])
    .filter((part) => typeof part.text === 'string' && !part.thought)
    .map((part) => part.text)
    .join('')
  if (reason === FinishReason.MAX_TOKENS)
    throw new InvalidOutputError('gemini answer was cut off (MAX_TOKENS)')
  if (text.trim() === '') throw new InvalidOutputError('gemini returned an empty answer')
  return text
}
