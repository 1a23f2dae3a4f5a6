import { useMemo, useState } from 'preact/hooks'
import { type ReportRange, reports } from '../../api/endpoints'
import { PRIORITIES, type SummaryRow, TICKET_STATUSES } from '../../api/types'
import { Chart } from '../../components/Chart'
import { ErrorMessage } from '../../components/ErrorMessage'
import { PageHeader } from '../../components/PageHeader'
import { Skeleton } from '../../components/States'
import { formatNumber, personName } from '../../lib/format'
import { setQuery, useLocation } from '../../lib/router'
import { useAsync } from '../../lib/useAsync'
import { daysBefore, formatMinutes, formatPct, formatSatisfaction, todayUtc } from './format'

const DATE = /^\d{4}-\d{2}-\d{2}$/
const PRESETS = [7, 30, 90] as const

function CsvLink({ href, label }: { href: string; label: string }) {
  return (
    <a class="button button-small" href={href} download>
      {label}
    </a>
  )
}

/** Reports for staff: a range (UTC days) and a grouping in the address, so a view can be shared. */
export function Reports() {
  const { query } = useLocation()
  const to = DATE.test(query.get('to') ?? '') ? (query.get('to') as string) : todayUtc()
  const from = DATE.test(query.get('from') ?? '') ? (query.get('from') as string) : daysBefore(to, 29)
  const groupBy = query.get('group_by') === 'week' ? 'week' : 'day'
  const range: ReportRange = { from, to }

  const summary = useAsync(() => reports.summary(range, groupBy), [from, to, groupBy])
  const people = useAsync(() => reports.moderators(range), [from, to])
  const skills = useAsync(() => reports.skills(range), [from, to])
  const backlog = useAsync(() => reports.backlog(), [])

  return (
    <section class="reports">
      <PageHeader
        title="Reports"
        subtitle={`${from} to ${to} (UTC), by ${groupBy === 'week' ? 'week (from Monday)' : 'day'}`}
      />
      <RangePicker from={from} to={to} groupBy={groupBy} />
      <ErrorMessage error={summary.error} title="Could not load the report." />
      {summary.data ? (
        <SummaryCharts rows={summary.data} range={range} groupBy={groupBy} />
      ) : (
        !summary.error && <Skeleton lines={6} />
      )}

      <section class="card" aria-labelledby="backlog-title">
        <div class="card-head">
          <h2 id="backlog-title" class="card-title">
            Backlog now
          </h2>
          <CsvLink href={reports.csv('backlog')} label="Download CSV" />
        </div>
        <ErrorMessage error={backlog.error} title="Could not load the backlog." />
        {backlog.data && (
          <div class="table-wrap">
            <table class="table" data-testid="backlog-table">
              <caption class="visually-hidden">Tickets by status and priority</caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  {PRIORITIES.map((p) => (
                    <th key={p} scope="col" class="numeric">
                      {p}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {TICKET_STATUSES.map((status) => (
                  <tr key={status}>
                    <th scope="row">{status.replace(/_/g, ' ')}</th>
                    {PRIORITIES.map((priority) => (
                      <td key={priority} class="numeric">
                        {formatNumber(
                          backlog.data?.find((r) => r.status === status && r.priority === priority)?.count ??
                            0,
                        )}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="moderators-title">
        <div class="card-head">
          <h2 id="moderators-title" class="card-title">
            Per moderator
          </h2>
          <CsvLink href={reports.csv('moderators', { ...range })} label="Download CSV" />
        </div>
        <ErrorMessage error={people.error} title="Could not load the moderators' figures." />
        {people.data && (
          <div class="table-wrap">
            <table class="table" data-testid="moderators-table">
              <caption class="visually-hidden">Figures per moderator</caption>
              <thead>
                <tr>
                  <th scope="col">Moderator</th>
                  <th scope="col" class="numeric">
                    Assigned
                  </th>
                  <th scope="col" class="numeric">
                    Resolved
                  </th>
                  <th scope="col" class="numeric">
                    Median first response
                  </th>
                  <th scope="col" class="numeric">
                    SLA met
                  </th>
                  <th scope="col">Satisfaction</th>
                </tr>
              </thead>
              <tbody>
                {people.data.map((r) => (
                  <tr key={r.user.id}>
                    <th scope="row">
                      <span class="row-title">{personName(r.user)}</span>
                      <span class="row-sub">{r.user.email}</span>
                    </th>
                    <td class="numeric">{formatNumber(r.assigned)}</td>
                    <td class="numeric">{formatNumber(r.resolved)}</td>
                    <td class="numeric">{formatMinutes(r.first_response_median_minutes)}</td>
                    <td class="numeric">{formatPct(r.sla_met_pct)}</td>
                    <td>{formatSatisfaction(r.satisfaction)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="skills-title">
        <div class="card-head">
          <h2 id="skills-title" class="card-title">
            Per skill
          </h2>
          <CsvLink href={reports.csv('skills', { ...range })} label="Download CSV" />
        </div>
        <ErrorMessage error={skills.error} title="Could not load the skills' figures." />
        {skills.data &&
          (skills.data.length === 0 ? (
            <p class="muted">No ticket in this range needed a skill.</p>
          ) : (
            <div class="table-wrap">
              <table class="table" data-testid="skills-table">
                <caption class="visually-hidden">Figures per skill</caption>
                <thead>
                  <tr>
                    <th scope="col">Skill</th>
                    <th scope="col" class="numeric">
                      Created
                    </th>
                    <th scope="col" class="numeric">
                      Resolved
                    </th>
                    <th scope="col" class="numeric">
                      Median first response
                    </th>
                    <th scope="col" class="numeric">
                      Median resolution
                    </th>
                    <th scope="col" class="numeric">
                      SLA met
                    </th>
                    <th scope="col">Satisfaction</th>
                  </tr>
                </thead>
                <tbody>
                  {skills.data.map((r) => (
                    <tr key={r.skill}>
                      <th scope="row">{r.skill}</th>
                      <td class="numeric">{formatNumber(r.created)}</td>
                      <td class="numeric">{formatNumber(r.resolved)}</td>
                      <td class="numeric">{formatMinutes(r.first_response_median_minutes)}</td>
                      <td class="numeric">{formatMinutes(r.resolution_median_minutes)}</td>
                      <td class="numeric">{formatPct(r.sla_met_pct)}</td>
                      <td>{formatSatisfaction(r.satisfaction)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ))}
      </section>
    </section>
  )
}

function RangePicker(props: { from: string; to: string; groupBy: 'day' | 'week' }) {
  const [from, setFrom] = useState(props.from)
  const [to, setTo] = useState(props.to)
  const problem =
    !DATE.test(from) || !DATE.test(to)
      ? 'Choose both dates'
      : from > to
        ? 'From must be on or before To'
        : undefined
  return (
    <form
      class="toolbar report-range"
      onSubmit={(event) => {
        event.preventDefault()
        if (!problem) setQuery({ from, to })
      }}
    >
      <label class="field-inline">
        <span>From</span>
        <input
          type="date"
          class="input"
          value={from}
          max={to}
          onInput={(e) => setFrom(e.currentTarget.value)}
        />
      </label>
      <label class="field-inline">
        <span>To</span>
        <input
          type="date"
          class="input"
          value={to}
          min={from}
          onInput={(e) => setTo(e.currentTarget.value)}
        />
      </label>
      <button type="submit" class="button button-primary" disabled={!!problem}>
        Show
      </button>
      <label class="field-inline">
        <span>Group by</span>
        <select
          class="input"
          value={props.groupBy}
          onChange={(e) => setQuery({ group_by: e.currentTarget.value })}
        >
          <option value="day">Day</option>
          <option value="week">Week</option>
        </select>
      </label>
      <fieldset class="report-presets">
        <legend class="visually-hidden">Quick ranges</legend>
        {PRESETS.map((days) => (
          <button
            key={days}
            type="button"
            class="button button-small"
            onClick={() => {
              const end = todayUtc()
              setFrom(daysBefore(end, days - 1))
              setTo(end)
              setQuery({ from: daysBefore(end, days - 1), to: end })
            }}
          >
            Last {days} days
          </button>
        ))}
      </fieldset>
      {problem && (
        <span class="field-error" role="alert">
          {problem}
        </span>
      )}
    </form>
  )
}

const COLORS = { created: '#4f46e5', resolved: '#16a34a', first: '#d97706', resolution: '#0891b2' }

function SummaryCharts({
  rows,
  range,
  groupBy,
}: {
  rows: SummaryRow[]
  range: ReportRange
  groupBy: 'day' | 'week'
}) {
  const periods = useMemo(() => rows.map((r) => r.period), [rows])
  const volume = useMemo(
    () => [
      { label: 'Created', values: rows.map((r) => r.created), color: COLORS.created },
      { label: 'Resolved', values: rows.map((r) => r.resolved), color: COLORS.resolved },
    ],
    [rows],
  )
  const times = useMemo(
    () => [
      {
        label: 'First response (median)',
        values: rows.map((r) => r.first_response.median_minutes),
        color: COLORS.first,
      },
      {
        label: 'Resolution (median)',
        values: rows.map((r) => r.resolution.median_minutes),
        color: COLORS.resolution,
      },
    ],
    [rows],
  )
  const sla = useMemo(
    () => [
      {
        label: 'First response met',
        values: rows.map((r) => r.sla.first_response_met_pct),
        color: COLORS.first,
      },
      {
        label: 'Resolution met',
        values: rows.map((r) => r.sla.resolution_met_pct),
        color: COLORS.resolution,
      },
    ],
    [rows],
  )
  const totals = rows.reduce(
    (t, r) => ({
      created: t.created + r.created,
      resolved: t.resolved + r.resolved,
      good: t.good + r.satisfaction.good,
      bad: t.bad + r.satisfaction.bad,
    }),
    { created: 0, resolved: 0, good: 0, bad: 0 },
  )
  return (
    <>
      <dl class="report-totals" data-testid="report-totals">
        <div>
          <dt>Created</dt>
          <dd>{formatNumber(totals.created)}</dd>
        </div>
        <div>
          <dt>Resolved</dt>
          <dd>{formatNumber(totals.resolved)}</dd>
        </div>
        <div>
          <dt>Satisfaction</dt>
          <dd>{formatSatisfaction(totals)}</dd>
        </div>
      </dl>
      <section class="card" aria-labelledby="summary-title">
        <div class="card-head">
          <h2 id="summary-title" class="card-title">
            Per {groupBy}
          </h2>
          <CsvLink href={reports.csv('summary', { ...range, group_by: groupBy })} label="Download CSV" />
        </div>
        <div class="chart-grid">
          <Chart
            title="Created and resolved"
            periods={periods}
            series={volume}
            kind="bars"
            testId="chart-volume"
          />
          <Chart title="Response times (median)" periods={periods} series={times} format={formatMinutes} />
          <Chart title="SLA met" periods={periods} series={sla} format={(v) => `${Math.round(v)} %`} />
        </div>
        <details class="report-figures">
          <summary>The figures as a table</summary>
          <div class="table-wrap">
            <table class="table" data-testid="summary-table">
              <caption class="visually-hidden">Figures per {groupBy}</caption>
              <thead>
                <tr>
                  <th scope="col">Period</th>
                  <th scope="col" class="numeric">
                    Created
                  </th>
                  <th scope="col" class="numeric">
                    Resolved
                  </th>
                  <th scope="col" class="numeric">
                    First response median / p90
                  </th>
                  <th scope="col" class="numeric">
                    Resolution median / p90
                  </th>
                  <th scope="col" class="numeric">
                    SLA met (response / resolution)
                  </th>
                  <th scope="col">Satisfaction</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.period}>
                    <th scope="row">{r.period}</th>
                    <td class="numeric">{formatNumber(r.created)}</td>
                    <td class="numeric">{formatNumber(r.resolved)}</td>
                    <td class="numeric">
                      {formatMinutes(r.first_response.median_minutes)} /{' '}
                      {formatMinutes(r.first_response.p90_minutes)}
                    </td>
                    <td class="numeric">
                      {formatMinutes(r.resolution.median_minutes)} / {formatMinutes(r.resolution.p90_minutes)}
                    </td>
                    <td class="numeric">
                      {formatPct(r.sla.first_response_met_pct)} / {formatPct(r.sla.resolution_met_pct)}
                    </td>
                    <td>{formatSatisfaction(r.satisfaction)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      </section>
    </>
  )
}
