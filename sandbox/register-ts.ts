/**
 * Lets Node run the sources as TypeScript directly (`node --import ./sandbox/register-ts.ts`):
 * their `.js` import specifiers name `.ts` files.
 */
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context)
    } catch (err) {
      if (!/^\.\.?\/.*\.js$/.test(specifier)) throw err
      return next(specifier.replace(/\.js$/, '.ts'), context)
    }
  }
})
