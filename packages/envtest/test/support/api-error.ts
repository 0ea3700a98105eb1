import assert from 'node:assert/strict';
import { ApiException } from '@kubernetes/client-node';

/** What the API server said when it refused a request: the HTTP code and the Status message. */
export interface Refusal {
  readonly code: number;
  readonly message: string;
}

/** Awaits `call`, asserts it failed with an API error, and returns the code and the Status message. */
export async function refusal(call: Promise<unknown>): Promise<Refusal> {
  try {
    await call;
  } catch (error: unknown) {
    assert.ok(error instanceof ApiException, `expected an API error, got ${String(error)}`);
    const body: unknown = typeof error.body === 'string' ? JSON.parse(error.body) : error.body;
    const message = (body as { message?: unknown } | undefined)?.message;
    return { code: error.code, message: typeof message === 'string' ? message : String(error.body) };
  }
  assert.fail('expected the API server to refuse the request, but it succeeded');
}
