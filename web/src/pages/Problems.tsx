import { Link } from '../components/Link'
import { PageHeader } from '../components/PageHeader'
import { homeFor } from '../lib/home'
import { useUser } from '../lib/session'

/** A page the signed-in user's role does not open (the API would answer 403 as well). */
export function NotAllowed() {
  const user = useUser()
  return (
    <section class="problem">
      <PageHeader title="Not allowed" />
      <div class="card problem-card">
        <p>
          This page is for {location.pathname.startsWith('/admin') ? 'admins' : 'moderators and admins'}. You
          are signed in as <strong>{user.email}</strong>, who cannot open it.
        </p>
        <p>
          <Link class="button button-primary" href={homeFor(user)}>
            Go to your start page
          </Link>
        </p>
      </div>
    </section>
  )
}

export function NotFound() {
  return (
    <section class="problem">
      <PageHeader title="Page not found" />
      <div class="card problem-card">
        <p>There is no page at this address.</p>
        <p>
          <Link class="button button-primary" href="/">
            Go to the start page
          </Link>
        </p>
      </div>
    </section>
  )
}
