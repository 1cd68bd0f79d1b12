import {httpDate, type AppHandler, type AppRequest, type AppResponse} from './app';

const html = (req: AppRequest, status: number, statusText: string, body: string): AppResponse => ({
  status,
  statusText,
  headers: [
    ['Server', 'gunicorn'],
    ['Date', httpDate(req.now)],
    ['Connection', 'keep-alive'],
    ['Content-Type', 'text/html; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
  ],
  body,
});

/** the version the sample's Deployment sets (SERVICE_VERSION), else the one in the image name */
function version(req: AppRequest): string {
  return (
    req.env.SERVICE_VERSION ?? /helloworld-(v\d+)/.exec(req.pod.containers.map((c) => c.image).join(' '))?.[1] ?? 'v1'
  );
}

/** Istio's helloworld sample (Flask under gunicorn, samples/helloworld/src/app.py) */
export const helloworld: AppHandler = async (req) => {
  const path = req.target.split('?')[0];
  // Flask routes answer GET (and HEAD, OPTIONS); any other method on a known route is 405 with an Allow header
  if ((path === '/hello' || path === '/health') && !['GET', 'HEAD', 'OPTIONS'].includes(req.method.toUpperCase())) {
    const res = html(
      req,
      405,
      'METHOD NOT ALLOWED',
      '<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n',
    );
    res.headers.push(['Allow', 'OPTIONS, HEAD, GET']);
    return res;
  }
  if (path === '/hello')
    return html(req, 200, 'OK', `Hello version: ${version(req)}, instance: ${req.env.HOSTNAME ?? req.pod.name}\n`);
  if (path === '/health') return html(req, 200, 'OK', 'Helloworld is healthy');
  return html(
    req,
    404,
    'NOT FOUND',
    '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
  );
};
