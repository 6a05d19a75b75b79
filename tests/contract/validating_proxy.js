#!/usr/bin/env node
// A validating HTTPS proxy between a terminal and kiosk-central, for the contract test:
// it terminates TLS with central's own certificate and key, forwards every request
// unchanged to central, and checks each exchange against docs/api/openapi.yaml:
//   request:  a documented path and method, the token header where the operation needs
//             one, query parameters, content type and body against the operation's schema;
//   response: a status documented for that path and method, a documented content type,
//             the body against its schema (gzip bodies are checked uncompressed).
// Prints {"port": N} on its first line once it listens. Every exchange and every
// violation is appended to the --report file as one JSON line:
//   {"kind": "exchange", "method", "path", "status"}
//   {"kind": "violation", "side": "request"|"response", "method", "path", "status", "message"}
//
//   node validating_proxy.js --spec openapi.yaml --cert server.pem --key server.key \
//        --upstream https://127.0.0.1:8443 --ca ca.pem --report report.jsonl [--port 0]
'use strict';

const fs = require('fs');
const https = require('https');
const zlib = require('zlib');
const YAML = require('yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

function parseArgs(argv) {
  const args = {port: '0'};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || i + 1 >= argv.length) {
      throw new Error(`bad argument ${argv[i]}`);
    }
    args[argv[i].slice(2)] = argv[i + 1];
  }
  for (const required of ['spec', 'cert', 'key', 'upstream', 'ca', 'report']) {
    if (!args[required]) {
      throw new Error(`--${required} is required`);
    }
  }
  return args;
}

// OpenAPI 3.0 schema -> JSON Schema (draft 7, as Ajv takes it): `nullable: true` becomes
// a "null" alternative, refs point into the spec document added to Ajv under the id
// "openapi", and keywords JSON Schema does not know are dropped.
function toJsonSchema(schema) {
  if (Array.isArray(schema)) {
    return schema.map(toJsonSchema);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (['nullable', 'example', 'discriminator', 'xml', 'externalDocs', 'deprecated',
      'readOnly', 'writeOnly'].includes(key)) {
      continue;
    }
    if (key === '$ref') {
      out.$ref = value.replace(/^#\//, 'openapi#/');
    } else if (key === 'properties') {
      out.properties = Object.fromEntries(
          Object.entries(value).map(([name, s]) => [name, toJsonSchema(s)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (schema.nullable === true) {
    if (typeof out.type === 'string') {
      out.type = [out.type, 'null'];
      if (Array.isArray(out.enum)) {
        out.enum = [...out.enum, null];
      }
    } else {
      return {anyOf: [out, {type: 'null'}]};
    }
  }
  return out;
}

class Contract {
  constructor(specText) {
    this.spec = YAML.parse(specText);
    this.ajv = new Ajv({allErrors: true, strict: false});
    addFormats(this.ajv);
    this.ajv.addFormat('uint32', {
      type: 'number',
      validate: (n) => Number.isInteger(n) && n >= 0 && n <= 0xffffffff,
    });
    this.ajv.addSchema({$id: 'openapi', components: toJsonSchema(this.spec.components || {})});
    this.validators = new Map();
    // "/v1/photos/{checkin_id}" -> /^\/v1\/photos\/[^/]+$/
    this.paths = Object.keys(this.spec.paths).map((template) => ({
      template,
      pattern: new RegExp('^' + template.replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          .replace(/\{[^}]+\}/g, '[^/]+') + '$'),
    }));
  }

  resolve(object) {
    let o = object;
    while (o && o.$ref) {
      o = o.$ref.replace(/^#\//, '').split('/').reduce((node, part) => node[part], this.spec);
    }
    return o;
  }

  validator(schema) {
    const key = JSON.stringify(schema);
    if (!this.validators.has(key)) {
      this.validators.set(key, this.ajv.compile(toJsonSchema(schema)));
    }
    return this.validators.get(key);
  }

  operation(method, path) {
    const match = this.paths.find((p) => p.pattern.test(path));
    if (!match) {
      return {error: `undocumented path ${path}`};
    }
    const op = this.spec.paths[match.template][method.toLowerCase()];
    if (!op) {
      return {error: `undocumented method ${method} for ${match.template}`};
    }
    return {op, template: match.template};
  }

  // Problems of a body against a media type map ({"application/json": {schema}}).
  checkBody(content, contentType, body, what) {
    const media = (contentType || '').split(';')[0].trim().toLowerCase();
    if (!content[media]) {
      return [`${what} content type "${media}" is not one of ${Object.keys(content).join(', ')}`];
    }
    const schema = content[media].schema;
    if (!schema || !/json$/.test(media)) {
      return [];
    }
    let value;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (e) {
      return [`${what} body is not JSON: ${e.message}`];
    }
    const validate = this.validator(schema);
    if (validate(value)) {
      return [];
    }
    return validate.errors.map((e) => `${what} body${e.instancePath} ${e.message}` +
        (e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : '') +
        ` (value ${JSON.stringify(valueAt(value, e.instancePath)).slice(0, 80)})`);
  }

  checkRequest(method, url, headers, body) {
    const [path, query = ''] = url.split('?');
    const found = this.operation(method, path);
    if (found.error) {
      return [found.error];
    }
    const {op} = found;
    const problems = [];
    const security = op.security || this.spec.security || [];
    const needsToken = security.some((s) => Object.keys(s).length > 0);
    if (needsToken && !/^bearer /i.test(headers.authorization || '')) {
      problems.push('no "Authorization: Bearer" header on an operation that needs the token');
    }
    const params = new URLSearchParams(query);
    for (const p of (op.parameters || []).map((x) => this.resolve(x))) {
      if (p.in !== 'query') {
        continue;
      }
      const value = params.get(p.name);
      if (value === null) {
        if (p.required) {
          problems.push(`query parameter ${p.name} is required`);
        }
        continue;
      }
      const typed = p.schema && p.schema.type === 'integer' && /^-?\d+$/.test(value) ?
        Number(value) : value;
      const validate = this.validator(p.schema || {});
      if (!validate(typed)) {
        problems.push(`query parameter ${p.name}=${value}: ` +
            validate.errors.map((e) => e.message).join(', '));
      }
    }
    for (const name of params.keys()) {
      if (!(op.parameters || []).map((x) => this.resolve(x)).some((p) => p.name === name)) {
        problems.push(`undocumented query parameter ${name}`);
      }
    }
    const requestBody = this.resolve(op.requestBody);
    if (requestBody) {
      if (body.length === 0) {
        if (requestBody.required) {
          problems.push('request body is required');
        }
      } else {
        problems.push(...this.checkBody(requestBody.content, headers['content-type'], body,
            'request'));
      }
    } else if (body.length > 0) {
      problems.push('request body on an operation that takes none');
    }
    return problems;
  }

  checkResponse(method, url, status, headers, body) {
    const found = this.operation(method, url.split('?')[0]);
    if (found.error) {
      return [];  // reported with the request
    }
    const responses = found.op.responses || {};
    const documented = responses[String(status)] || responses[`${String(status)[0]}XX`] ||
      responses.default;
    if (!documented) {
      return [`status ${status} is not documented for ${method} ${found.template} ` +
          `(documented: ${Object.keys(responses).join(', ')})`];
    }
    const response = this.resolve(documented);
    if (!response.content) {
      return body.length > 0 ? ['response has a body where the contract documents none'] : [];
    }
    if (body.length === 0) {
      return ['response has no body where the contract documents one'];
    }
    return this.checkBody(response.content, headers['content-type'], body, 'response');
  }
}

function valueAt(value, pointer) {
  return pointer.split('/').slice(1).reduce(
      (v, part) => (v === undefined || v === null ? v : v[part.replace(/~1/g, '/')
          .replace(/~0/g, '~')]), value);
}

function decoded(headers, body) {
  const encoding = (headers['content-encoding'] || '').toLowerCase();
  if (encoding === 'gzip') {
    return zlib.gunzipSync(body);
  }
  if (encoding === 'deflate') {
    return zlib.inflateSync(body);
  }
  return body;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const contract = new Contract(fs.readFileSync(args.spec, 'utf8'));
  const upstream = new URL(args.upstream);
  const ca = fs.readFileSync(args.ca);
  const agent = new https.Agent({keepAlive: true, ca});
  const report = (record) => fs.appendFileSync(args.report, JSON.stringify(record) + '\n');

  const server = https.createServer({
    cert: fs.readFileSync(args.cert),
    key: fs.readFileSync(args.key),
  }, (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const requestBody = Buffer.concat(chunks);
      const path = req.url.split('?')[0];
      const violation = (side, status, message) => report(
          {kind: 'violation', side, method: req.method, path, status, message});
      const headers = {...req.headers, host: upstream.host};
      delete headers.connection;
      delete headers['keep-alive'];
      delete headers.expect;  // the proxy has the whole body already
      const forward = https.request({
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
        servername: 'localhost',
      }, (upstreamRes) => {
        const parts = [];
        upstreamRes.on('data', (c) => parts.push(c));
        upstreamRes.on('end', () => {
          const responseBody = Buffer.concat(parts);
          const status = upstreamRes.statusCode;
          report({kind: 'exchange', method: req.method, path, status});
          for (const m of contract.checkRequest(req.method, req.url, req.headers, requestBody)) {
            violation('request', status, m);
          }
          let plain = responseBody;
          try {
            plain = decoded(upstreamRes.headers, responseBody);
          } catch (e) {
            violation('response', status, `body does not decode: ${e.message}`);
          }
          for (const m of contract.checkResponse(req.method, req.url, status,
              upstreamRes.headers, plain)) {
            violation('response', status, m);
          }
          const out = {...upstreamRes.headers};
          delete out['transfer-encoding'];
          out['content-length'] = String(responseBody.length);
          res.writeHead(status, out);
          res.end(responseBody);
        });
      });
      forward.on('error', (e) => {
        violation('response', 0, `central did not answer: ${e.message}`);
        res.destroy();
      });
      forward.end(requestBody);
    });
  });
  server.listen(Number(args.port), '127.0.0.1', () => {
    process.stdout.write(JSON.stringify({port: server.address().port}) + '\n');
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (require.main === module) {
  main();
}
module.exports = {Contract, toJsonSchema};
