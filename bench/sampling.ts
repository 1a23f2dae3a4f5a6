// Runs one measured piece of work (an autocannon or pgbench run) with both samplers around it:
// who used the CPU (cpu.ts) and what the database sessions were doing (waits.ts).
import { type Classifier, type CoreUsage, startCpuMeasurement } from './cpu.js'
import { startWaitSampling, type WaitProfile } from './waits.js'

export interface Sampled<T> {
  value: T
  cores: CoreUsage
  /** Undefined when no database was given (the bare Fastify run). */
  waits: WaitProfile | undefined
}

export async function whileSampling<T>(
  classify: Classifier,
  databaseUrl: string | undefined,
  work: () => Promise<T>,
): Promise<Sampled<T>> {
  const stopWaits = databaseUrl === undefined ? undefined : await startWaitSampling(databaseUrl)
  const stopCpu = startCpuMeasurement(classify)
  try {
    const value = await work()
    return { value, cores: stopCpu(), waits: await stopWaits?.() }
  } catch (error) {
    // Stop both on failure too: their timers and connection would keep the process alive.
    stopCpu()
    await stopWaits?.().catch(() => undefined)
    throw error
  }
}
