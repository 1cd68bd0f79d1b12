/**
 * `GET /api/workshop/info`: whether this lab runs a workshop and who this browser is to it. A lab without workshop
 * routes (a plain learner's lab, or the site served alone) answers 404 or nothing: that is "no workshop".
 */
import {workshopInfo, type WorkshopInfo} from '@site/src/core/protocol/workshop';

export const NO_WORKSHOP: WorkshopInfo = {state: 'none', role: 'nobody', pages: []};

export async function fetchWorkshopInfo(): Promise<WorkshopInfo> {
  return (await askWorkshopInfo()) ?? NO_WORKSHOP;
}

/** null: nothing answers (the lab is down, or the network is): unlike "no workshop", worth asking again */
export async function askWorkshopInfo(): Promise<WorkshopInfo | null> {
  let response: Response;
  try {
    response = await fetch('/api/workshop/info', {credentials: 'same-origin', cache: 'no-store'});
  } catch {
    return null;
  }
  // an answer's body is always read: Chromium does not finish a fetch whose body nobody reads, and a page with a
  // request that never finishes never reaches network idle (Playwright's `networkidle`, a browser's idle callbacks)
  if (!response.ok) await response.text().catch(() => '');
  if (response.status >= 500) return null;
  if (!response.ok) return NO_WORKSHOP;
  const parsed = workshopInfo.safeParse(await response.json().catch(() => null));
  return parsed.success ? parsed.data : NO_WORKSHOP;
}

/** POST a JSON body to a workshop route; the refusal's words (httpRefusal / joinRefusal) come back as `error`. */
export async function postJson(
  url: string,
  body: unknown,
): Promise<{ok: true; status: number; body: unknown} | {ok: false; status: number; body: unknown}> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify(body),
    });
  } catch {
    return {ok: false, status: 0, body: null};
  }
  const json: unknown = await response.json().catch(() => null);
  return {ok: response.ok, status: response.status, body: json};
}
