import { Alert } from 'antd';
import { ApiProblem } from '../api';

/** Chinese wording for the API's problem types (the API's own title/detail follow). */
const TITLES: Record<number, string> = {
  0: '无法连接服务器',
  400: '请求有误',
  401: '登录已失效，请重新登录',
  403: '无权执行此操作',
  404: '未找到',
  409: '数据已被他人修改，请刷新后重试',
  413: '内容过大',
  422: '当前状态不允许此操作',
  429: '操作过于频繁，请稍后再试',
  500: '服务器内部错误',
};

export function problemTitle(error: unknown): string {
  if (error instanceof ApiProblem) {
    if (error.type.endsWith('guard-failed')) return '不满足办理条件';
    return TITLES[error.status] ?? TITLES[500]!;
  }
  return '出错了';
}

/** What the API said, in place: status-specific Chinese heading + the problem's own detail. */
export function ProblemAlert({ error, style }: { error: unknown; style?: React.CSSProperties }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : null;
  const reason = problem?.body.reason;
  const missing = problem?.body.missingPermission;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      data-testid="problem"
      style={style}
      message={problemTitle(error)}
      description={
        <>
          {typeof reason === 'string' && <div>{reason}</div>}
          <div>{problem ? problem.detail || problem.title : String((error as Error)?.message ?? error)}</div>
          {typeof missing === 'string' && <div>所需权限：{missing}</div>}
        </>
      }
    />
  );
}
