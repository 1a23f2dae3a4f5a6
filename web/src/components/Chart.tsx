// A small time-series chart on uPlot (about 22 KB gzipped): periods on x, one line or bar set per
// series. The figure carries a text label; the same numbers are in a table beside it for screen
// readers and for reading exact values.
import { useEffect, useRef } from 'preact/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  values: (number | null)[]
  color: string
}

const HEIGHT = 220

export function Chart(props: {
  title: string
  /** YYYY-MM-DD, the first day of each period. */
  periods: string[]
  series: ChartSeries[]
  kind?: 'line' | 'bars'
  /** How a y value reads in the legend and on the axis. */
  format?: (value: number) => string
  testId?: string
}) {
  const box = useRef<HTMLDivElement>(null)
  const { periods, series, kind = 'line', format = (v) => String(v) } = props

  useEffect(() => {
    const target = box.current
    if (!target) return
    const xs = periods.map((p) => Date.parse(`${p}T00:00:00Z`) / 1000)
    const bars = kind === 'bars' ? uPlot.paths.bars?.({ size: [0.6, 40], gap: 2 }) : undefined
    const options: uPlot.Options = {
      width: Math.max(target.clientWidth, 280),
      height: HEIGHT,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      scales: { x: { time: true } },
      axes: [{}, { values: (_u, ticks) => ticks.map((t) => format(t)), size: 64 }],
      series: [
        {
          label: 'Period',
          value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toISOString().slice(0, 10)),
        },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          fill: kind === 'bars' ? `${s.color}99` : undefined,
          width: 2,
          spanGaps: false,
          ...(bars ? { paths: bars } : {}),
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
        })),
      ],
    }
    const plot = new uPlot(options, [xs, ...series.map((s) => s.values)] as uPlot.AlignedData, target)
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(target.clientWidth, 280), height: HEIGHT }),
    )
    resize.observe(target)
    return () => {
      resize.disconnect()
      plot.destroy()
    }
  }, [periods, series, kind])

  return (
    <figure class="chart" data-testid={props.testId}>
      <figcaption class="chart-title">{props.title}</figcaption>
      <div
        ref={box}
        class="chart-canvas"
        role="img"
        aria-label={`${props.title}: chart; the table below has the figures`}
      />
    </figure>
  )
}
