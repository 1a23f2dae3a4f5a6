// A signed-in HTTP client for the benchmark: plain fetch against a listening server.
export interface ApiClient {
  createTicket(body: { title: string; description: string }): Promise<string>
}

export async function signIn(baseUrl: string, email: string, password: string): Promise<ApiClient> {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
  const cookie = login.headers.get('set-cookie')?.split(';')[0]
  if (login.status !== 200 || !cookie) throw new Error(`login failed: ${login.status} ${await login.text()}`)
  return {
    async createTicket(body) {
      const response = await fetch(`${baseUrl}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(body),
      })
      const json = (await response.json()) as { data?: { id?: string } }
      if (response.status !== 201 || !json.data?.id) throw new Error(`create failed: ${response.status}`)
      return json.data.id
    },
  }
}
