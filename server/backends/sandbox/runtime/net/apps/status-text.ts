import {STATUS_CODES} from 'node:http';

/**
 * Reason phrases as Go's net/http writes them on the status line (the apps here stand for Go servers, such as
 * Istio's go-httpbin sample) and curl prints them: Node's table, where it words four of them differently.
 */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  ...(STATUS_CODES as Record<number, string>),
  413: 'Request Entity Too Large',
  414: 'Request URI Too Long',
  416: 'Requested Range Not Satisfiable',
  418: "I'm a teapot",
};
