/** Every tab on a session learns whether its shell has shown a prompt: on attach, and whenever that changes. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {ServerMessage} from '../../src/core/protocol/messages';
import type {StepEngine} from '../../server/engine/types';
import {SessionChannel, type ChannelPeer} from '../../server/http/session-channel';
import type {ShellStart} from '../../server/sessions/shell-start';
import type {Disposable} from '../../server/sessions/types';
import {FakeSession} from './fake-session';

class StartingSession extends FakeSession {
  shellStart: ShellStart = {state: 'starting', rcFiles: ['/home/me/.bashrc'], timeoutMs: 15_000};
  private readonly listeners = new Set<(s: ShellStart) => void>();
  onShellStart(listener: (s: ShellStart) => void): Disposable {
    this.listeners.add(listener);
    return {dispose: () => this.listeners.delete(listener)};
  }
  become(state: ShellStart['state']): void {
    this.shellStart = {...this.shellStart, state};
    for (const l of this.listeners) l(this.shellStart);
  }
}

const engine: StepEngine = {
  run: () => Promise.reject(new Error('not in this test')),
  setCurrentPage: () => {},
  onResult: () => ({dispose: () => {}}),
  dispose: () => {},
};

function peer(): ChannelPeer & {messages: ServerMessage[]} {
  const messages: ServerMessage[] = [];
  return {
    messages,
    sendJson: (m) => messages.push(m),
    sendBinary: (_data, sent) => sent(),
    bufferedAmount: 0,
    detached: () => {},
  };
}

describe("the session channel and the shell's start", () => {
  it('tells a tab on attach, and every tab when the shell turns slow or ready', () => {
    const session = new StartingSession();
    const channel = new SessionChannel(session, engine, {
      highWaterMark: 1024,
      lowWaterMark: 512,
      progress: {snapshot: () => ({}), record: () => {}, resetPage: () => {}},
      toLearner: () => {},
      onClosed: () => {},
    });
    const first = peer();
    channel.join(first, false, 'sandbox');
    assert.deepEqual(
      first.messages.map((m) => m.type),
      ['attached', 'shell'],
    );
    assert.deepEqual(first.messages[1], {
      type: 'shell',
      state: 'starting',
      rcFiles: ['/home/me/.bashrc'],
      timeoutMs: 15_000,
    });
    session.become('slow');
    const second = peer();
    channel.join(second, true, 'sandbox');
    assert.equal((second.messages.at(-1) as {state?: string}).state, 'slow');
    session.become('ready');
    for (const p of [first, second]) assert.equal((p.messages.at(-1) as {state?: string}).state, 'ready');
    channel.dispose();
  });
});
