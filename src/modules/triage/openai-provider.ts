// Triage through the OpenAI chat completions API, or an OpenAI-compatible server (Ollama, vLLM) at OPENAI_BASE_URL.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai'
import type { ChatCompletion } from 'openai/resources/chat/completions'
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

export type OpenAiSettings = Config['ai']['openai']

export function createOpenAiProvider(settings: OpenAiSettings, options?: RemoteOptions): TriageProvider {
  const opts = resolveRemoteOptions(options)
  const client = new OpenAI({
    // Local servers need no key, but the SDK refuses to start without one.
    apiKey: settings.apiKey ?? 'not-needed',
    // null (not undefined) so the SDK takes its default URL rather than re-reading the environment:
    // the app's config is the one source of settings.
    baseURL: settings.baseUrl ?? null,
    timeout: opts.timeoutMs,
    // The SDK would otherwise retry twice itself (honouring Retry-After) inside each of our attempts.
    maxRetries: 0,
  })

  return {
    name: 'openai',
    inProcess: false,
    async analyse(ticket, catalog, signal) {
      const prompt = buildPrompt(ticket, catalog)
      return withRetries('openai', opts, signal, async () => {
        let completion: ChatCompletion
        try {
          completion = await client.chat.completions.create(
            {
              model: settings.model,
              messages: [
                { role: 'system', content: prompt.system },
                { role: 'user', content: prompt.user },
              ],
              response_format: {
                type: 'json_schema',
                // Strict mode needs every property required and additionalProperties false, which
                // TicketAnalysisSchema has; the sent schema drops keywords strict mode rejects.
                json_schema: { name: 'ticket_analysis', strict: true, schema: analysisJsonSchema },
              },
              temperature: 0.2,
            },
            { signal },
          )
        } catch (error) {
          throw classify(error)
        }
        return parseAnalysis(answerText(completion), catalog)
      })
    },
  }
}

function classify(error: unknown): TriageError {
  // Subclasses first: a timeout is a connection error, and both are APIErrors without a status.
  if (error instanceof APIConnectionTimeoutError) {
    return new TransientError('openai request timed out', undefined, { cause: error })
  }
  if (error instanceof APIConnectionError) {
    return new TransientError('openai could not be reached', undefined, { cause: error })
  }
  if (error instanceof APIError && error.status !== undefined) {
    const message = `openai answered HTTP ${error.status}`
    if (!isRetryableStatus(error.status)) return new TriageError(message, false, { cause: error })
    return new TransientError(message, parseRetryAfter(error.headers), { cause: error })
  }
  return new TriageError('openai request failed', false, { cause: error })
}

function answerText(completion: ChatCompletion): string {
  const choice = completion.choices[0]
  if (!choice) throw new InvalidOutputError('openai returned no choices')
  const { message, finish_reason: reason } = choice
  if (message.refusal) throw new TriageError(`openai refused to answer: ${message.refusal}`, false)
  if (reason === 'content_filter')
    throw new TriageError('openai answer was withheld by its content filter', false)
  // A truncated answer is broken JSON; the next attempt may be shorter.
  if (reason === 'length') throw new InvalidOutputError('openai answer was cut off (length)')
  if (!message.content?.trim()) throw new InvalidOutputError('openai returned an empty answer')
  return message.content
}
