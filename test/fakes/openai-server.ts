// Speaks the OpenAI chat completions wire format: POST {baseURL}/chat/completions, where the provider's
// baseURL is this server's url + '/v1' (as for OpenAI itself, Ollama and vLLM).
import { type Reply, type ScriptedServer, startScriptedServer } from './scripted-server.js'

/** The parts of a chat completions request body the tests look at. */
export interface OpenAiRequestBody {
  model: string
  messages: Array<{ role: string; content: string }>
  response_format: { type: string; json_schema: { name: string; strict: boolean; schema: unknown } }
}

export function startOpenAiServer(): Promise<ScriptedServer> {
  return startScriptedServer((method, path) => method === 'POST' && path === '/v1/chat/completions')
}

function completion(
  message: { content: string | null; refusal: string | null },
  finishReason: string,
): Reply {
  return {
    json: {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'fake-model',
      choices: [
        { index: 0, message: { role: 'assistant', ...message }, finish_reason: finishReason, logprobs: null },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 50, total_tokens: 150 },
    },
  }
}

export const openAiReply = {
  text(content: string, finishReason = 'stop'): Reply {
    return completion({ content, refusal: null }, finishReason)
  },
  /** Structured outputs report a refusal in message.refusal, with no content. */
  refusal(text = "I'm sorry, I can't help with that."): Reply {
    return completion({ content: null, refusal: text }, 'stop')
  },
  error(status: number, headers?: Record<string, string>): Reply {
    return {
      status,
      ...(headers ? { headers } : {}),
      json: { error: { message: `fake error ${status}`, type: 'server_error', param: null, code: null } },
    }
  },
}
