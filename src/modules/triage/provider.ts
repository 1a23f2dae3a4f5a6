// Picks the triage provider the configuration asks for. The local provider comes in as a factory so
// this module does not depend on it (and it is only built when chosen).
import { type Config, ConfigError } from '../../config.js'
import { createGeminiProvider } from './gemini-provider.js'
import { createOpenAiProvider } from './openai-provider.js'
import type { RemoteOptions } from './remote-retry.js'
import type { TriageProvider } from './triage.types.js'

/** Throws ConfigError at startup when the chosen remote provider could never authenticate. */
export function createTriageProvider(
  ai: Config['ai'],
  local: () => TriageProvider,
  options?: RemoteOptions,
): TriageProvider {
  switch (ai.provider) {
    case 'local':
      return local()
    case 'gemini':
      if (!ai.gemini.apiKey && !ai.gemini.baseUrl) {
        throw new ConfigError(
          'Invalid configuration: AI_PROVIDER=gemini needs GEMINI_API_KEY (or GEMINI_BASE_URL for a keyless proxy)',
        )
      }
      return createGeminiProvider(ai.gemini, options)
    case 'openai':
      // A keyless local server (Ollama, vLLM) is fine; the real OpenAI API without a key is not.
      if (!ai.openai.apiKey && !ai.openai.baseUrl) {
        throw new ConfigError(
          'Invalid configuration: AI_PROVIDER=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server',
        )
      }
      return createOpenAiProvider(ai.openai, options)
  }
}
