import { render } from 'preact'
import { App } from './App'
import { SessionProvider } from './lib/session'
import './styles.css'

const root = document.getElementById('app')
if (root) {
  root.textContent = ''
  render(
    <SessionProvider>
      <App />
    </SessionProvider>,
    root,
  )
}
