import {header, httpDate, type AppHandler, type AppRequest, type AppResponse} from './app';

const WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** the image's nginx, as its Server header and error pages name it */
export const NGINX_SERVER = 'nginx/1.27.3';

const NOT_FOUND = `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>${NGINX_SERVER}</center>\r\n</body>\r\n</html>\r\n`;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');
const clf = (d: Date) =>
  `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;

function page(req: AppRequest, status: number, statusText: string, body: string): AppResponse {
  const len = Buffer.byteLength(body);
  return {
    status,
    statusText,
    headers: [
      ['Server', NGINX_SERVER],
      ['Date', httpDate(req.now)],
      ['Content-Type', 'text/html'],
      ['Content-Length', String(len)],
      ...(status === 200
        ? ([
            ['Last-Modified', 'Tue, 26 Nov 2024 15:55:00 GMT'],
            ['Connection', 'keep-alive'],
            ['ETag', '"6745ef54-267"'],
            ['Accept-Ranges', 'bytes'],
          ] as [string, string][])
        : [['Connection', 'keep-alive'] as [string, string]]),
    ],
    body,
    // the "main" log_format of the image's nginx.conf
    logLine: `${req.remoteAddr.replace(/:\d+$/, '')} - - [${clf(req.now)}] "${req.method} ${req.target} ${req.httpVersion}" ${status} ${req.method === 'HEAD' ? 0 : len} "-" "${header(req.headers, 'user-agent') ?? '-'}" "-"`,
  };
}

export const nginx: AppHandler = async (req) => {
  const path = req.target.split('?')[0];
  if (path === '/' || path === '/index.html') return page(req, 200, 'OK', WELCOME);
  return page(req, 404, 'Not Found', NOT_FOUND);
};
