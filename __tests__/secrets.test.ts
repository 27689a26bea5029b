import { Redactor, secretForms } from '../src/secrets.js'

test('a secret is registered in each form it could be printed in', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END PRIVATE KEY-----\n'
  const forms = secretForms(pem)
  expect(forms).toContain('MIIEvQIBADANBgkqhkiG9w0B')
  expect(forms).toContain(Buffer.from(pem).toString('base64'))
  expect(forms).not.toContain('-----BEGIN PRIVATE KEY-----')
  expect(secretForms('ab\ncdefgh')).not.toContain('ab')
})

test.each([
  [
    'a registered value',
    ['hunter2-value'],
    "'hunter2-value' is not a boolean",
    "'***' is not a boolean"
  ],
  ['every occurrence', ['s3cret!'], 's3cret! and s3cret!', '*** and ***'],
  ['the longer form first', ['abcd', 'abcdefgh'], 'abcdefgh', '***'],
  ['a line of a multi-line secret', ['line-one\nline-two'], 'saw line-two', 'saw ***'],
  ['nothing else', ['hunter2-value'], 'true', 'true']
])('redacts %s', (_, secrets, text, shown) => {
  const r = new Redactor()
  secrets.forEach(s => r.add(s))
  expect(r.redact(text)).toBe(shown)
})

test('a form is handed to the runner once', () => {
  const r = new Redactor()
  expect(r.add('hunter2-value')).toContain('hunter2-value')
  expect(r.add('hunter2-value')).toEqual([])
})
