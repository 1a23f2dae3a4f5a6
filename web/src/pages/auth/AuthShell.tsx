import type { ComponentChildren } from 'preact'
import { PageHeader } from '../../components/PageHeader'

export function AuthShell(props: { title: string; intro: string; children: ComponentChildren }) {
  return (
    <div class="auth">
      <div class="auth-aside" aria-hidden="true">
        <p class="auth-tagline">Support that keeps you posted.</p>
        <ul class="auth-points">
          <li>Every ticket is read, summarised and routed to the right expert in seconds.</li>
          <li>Follow progress live: no refreshing, no chasing.</li>
          <li>Talk to the person working on it, right on the ticket.</li>
        </ul>
      </div>
      <div class="card auth-card">
        <PageHeader title={props.title} subtitle={props.intro} />
        {props.children}
      </div>
    </div>
  )
}
