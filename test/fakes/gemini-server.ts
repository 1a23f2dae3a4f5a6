// Speaks the Gemini API's generateContent wire format as @google/genai uses it with a custom baseUrl:
// POST {baseUrl}/v1beta/models/{model}:generateContent, key in the x-goog-api-key header.
import { type Reply, type ScriptedServer, startScriptedServer } from './scripted-server.js'

/** The parts of a generateContent request body the tests look at. */
export interface GeminiRequestBody {
  contents: Array<{ role: string; parts: Array<{ text: string }> }>
  systemInstruction: { parts: Array<{ text: string }> }
  generationConfig: { responseMimeType?: string; responseJsonSchema?: unknown; temperature?: number }
}

export function startGeminiServer(model: string): Promise<ScriptedServer> {
  return startScriptedServer(
    (method, path) =>
      method === 'POST' && path === `/v1beta/models/${encodeURIComponent(model)}:generateContent`,
  )
}

export const geminiReply = {
  /** A normal answer: the model's text in candidates[0].content.parts[0].text. */
  text(text: string, finishReason = 'STOP'): Reply {
    return {
      json: {
        candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason, index: 0 }],
        usageMetadata: { promptTokenCount: 100, candidatesTokenCount: 50, totalTokenCount: 150 },
        modelVersion: 'fake-gemini',
      },
    }
  },
  /** The prompt itself was blocked: no candidates, only promptFeedback. */
  blocked(blockReason = 'PROHIBITED_CONTENT'): Reply {
    return { json: { promptFeedback: { blockReason }, usageMetadata: { promptTokenCount: 100 } } }
  },
  /** The answer was stopped by a safety filter: a candidate without content. */
  stopped(finishReason = 'SAFETY'): Reply {
    return { json: { candidates: [{ finishReason, index: 0 }] } }
  },
  noCandidates(): Reply {
    return { json: { candidates: [] } }
  },
  /** Google's error envelope; retryDelay adds a google.rpc.RetryInfo detail as the real API does on 429. */
  error(status: number, options: { headers?: Record<string, string>; retryDelay?: string } = {}): Reply {
    const details = options.retryDelay
      ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: options.retryDelay }]
      : []
    return {
      status,
      ...(options.headers ? { headers: options.headers } : {}),
      json: { error: { code: status, message: `fake error ${status}`, status: 'UNAVAILABLE', details } },
    }
  },
}
