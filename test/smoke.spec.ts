import { createMachine } from 'xstate';
test('toolchain runs TypeScript tests', () => {
  expect(createMachine({ initial: 'a', states: { a: {} } }).id).toBe('(machine)');
});
