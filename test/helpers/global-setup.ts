import { buildTemplate } from './template.js'

export default async function setup() {
  await buildTemplate()
}
