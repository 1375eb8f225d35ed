import { messageIn } from '../../src/cli/error-message';
import { WorkbookUnreadableError } from '../../src/ledgers/import-problems';
import {
  CommandRejectedError,
  ErrorCode,
  NotFoundError,
  VersionConflictError,
  ZhengzhiError,
} from '../../src/shared/errors';

/**
 * The CLI's last line on failure (`错误：…` / `error: …`) speaks the language asked for, as the API's
 * problem+json does: a Chinese detail composed from the error's structured details where they say enough,
 * else the problem's Chinese title before the English detail. English is untouched.
 */
describe('CLI error messages in the language asked for', () => {
  it('says what the English says, in Chinese, when the details say enough', () => {
    const conflict = new VersionConflictError('xn-2023-003', 4, 5);
    expect(messageIn('zh', conflict)).toBe(
      'xn-2023-003 已被他人修改（当前版本 5，提交时依据的版本 4），请刷新后重试',
    );
    expect(messageIn('en', conflict)).toBe(conflict.message);
    const refused = new CommandRejectedError(
      ErrorCode.eventNotAccepted,
      'ACCEPT is not accepted in state rectifying',
      {
        streamId: 'xn-2023-003',
        state: 'rectifying',
        acceptedEvents: ['RECORD_PROGRESS'],
      },
    );
    expect(messageIn('zh', refused)).toContain('当前状态「整改中」不接受该操作');
    expect(messageIn('zh', new NotFoundError('campaign', 'xn-2099'))).toContain('xn-2099 不存在');
  });

  it('puts the Chinese title before an English detail it cannot compose, keeping the location', () => {
    const located = new ZhengzhiError(
      ErrorCode.invalidInput,
      'ledger.xlsx: no sheet named 台账2 (sheets: 表1)',
    );
    expect(messageIn('zh', located)).toBe(
      '提交的内容无法接受：ledger.xlsx: no sheet named 台账2 (sheets: 表1)',
    );
    expect(messageIn('en', located)).toBe('ledger.xlsx: no sheet named 台账2 (sheets: 表1)');
  });

  it('names why a workbook cannot be read, and leaves other errors as they are', () => {
    const xls = new WorkbookUnreadableError('old.xls', 'a legacy .xls workbook', undefined, 'legacyXls');
    expect(messageIn('zh', xls)).toMatch(/^old\.xls：.*xlsx/);
    expect(messageIn('zh', new Error('ECONNREFUSED 127.0.0.1:5432'))).toBe('ECONNREFUSED 127.0.0.1:5432');
  });
});
