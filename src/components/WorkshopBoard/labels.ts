/** Words and glyphs for the board's states: never colour alone (a glyph and a text for every state). */
import {translate} from '@docusaurus/Translate';
import type {BoardRow, BoardStepState, LimitKind} from '@site/src/core/protocol/workshop';
import type {Elapsed} from '@site/src/core/workshop/board-view';

export const STATE_GLYPH: Record<BoardStepState | 'none', string> = {
  passed: '✓',
  failed: '✗',
  running: '…',
  'caught-up': '↷',
  none: '·',
};

export function stateText(state: BoardStepState | 'none'): string {
  switch (state) {
    case 'passed':
      return translate({id: 'lab.board.state.passed', message: 'passed'});
    case 'failed':
      return translate({id: 'lab.board.state.failed', message: 'failed'});
    case 'running':
      return translate({id: 'lab.board.state.running', message: 'running'});
    case 'caught-up':
      return translate({id: 'lab.board.state.caughtUp', message: 'caught up (run for them)'});
    case 'none':
      return translate({id: 'lab.board.state.none', message: 'not tried'});
  }
}

export function attemptsText(attempts: number): string {
  return translate({id: 'lab.board.attempts', message: '{n} attempt(s)'}, {n: attempts});
}

export function elapsedText(elapsed: Elapsed): string {
  switch (elapsed.unit) {
    case 'now':
      return translate({id: 'lab.board.ago.now', message: 'just now'});
    case 'seconds':
      return translate({id: 'lab.board.ago.seconds', message: '{n} s ago'}, {n: elapsed.value});
    case 'minutes':
      return translate({id: 'lab.board.ago.minutes', message: '{n} min ago'}, {n: elapsed.value});
    case 'hours':
      return translate({id: 'lab.board.ago.hours', message: '{n} h ago'}, {n: elapsed.value});
    case 'days':
      return translate({id: 'lab.board.ago.days', message: '{n} d ago'}, {n: elapsed.value});
  }
}

export function stuckText(stuck: NonNullable<BoardRow['stuck']>): string {
  return stuck === 'failed-twice'
    ? translate({id: 'lab.board.stuck.failedTwice', message: 'Stuck: a step failed twice'})
    : translate({id: 'lab.board.stuck.idle', message: 'Stuck: nothing typed or run for a while'});
}

export function limitText(kind: LimitKind): string {
  switch (kind) {
    case 'processes':
      return translate({id: 'lab.board.limit.processes', message: 'Hit the process limit'});
    case 'memory':
      return translate({id: 'lab.board.limit.memory', message: 'Hit the memory limit'});
    case 'disk':
      return translate({id: 'lab.board.limit.disk', message: 'Hit the disk limit (HOME full)'});
    case 'output':
      return translate({id: 'lab.board.limit.output', message: 'Output slowed down (printing too fast)'});
  }
}
