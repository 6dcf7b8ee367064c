/**
 * JSON answers carry `Content-Type: application/json`, as Django REST framework sends them.
 * Express's res.json adds `; charset=utf-8` to every string body; JSON is UTF-8 by definition
 * and its media type has no charset parameter (RFC 8259, section 11), so nothing is lost and a
 * client comparing the header whole sees what Django sent.
 */
import type { Express, Response } from 'express';

export function answerJsonWithoutCharset(app: Express): void {
  app.response.json = function json(this: Response, body: unknown) {
    // setHeader, not res.set: Express's set adds the charset to a Content-Type it is given.
    if (!this.get('Content-Type')) this.setHeader('Content-Type', 'application/json');
    // A Buffer is sent as it is: res.send adds a charset to strings only.
    return this.send(Buffer.from(JSON.stringify(body)));
  };
}
