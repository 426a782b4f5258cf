// Simulated fleet members for `npm run bench -- -t fleet` (bench/scenarios/fleet-controller.ts):
// each speaks the member protocol as a real member does (one SSE stream with its own token and
// name, a report on connecting) but runs no engine and no updates. One process holds many members,
// each with its own connection: a thousand Node processes would not fit in the lab's memory.
// Told its members over IPC; tells the parent when each is connected and when each got targets.
import http from 'node:http';
import process from 'node:process';

const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });

process.on('message', (config) => {
  const { url, members, containers } = config;
  for (const member of members) connect(url, member, containers);
});

function headers(member) {
  return { authorization: `Bearer ${member.token}`, 'x-tidewatch-member': member.name };
}

function connect(url, member, containers) {
  const request = http.request(`${url}/api/v1/fleet/stream?wave=${member.wave}`, {
    agent,
    headers: { ...headers(member), accept: 'text/event-stream' },
  });
  request.on('response', (response) => {
    if (response.statusCode !== 200) {
      process.send({ type: 'error', member: member.name, reason: `HTTP ${response.statusCode}` });
      return;
    }
    report(url, member, containers);
    let buffer = '';
    response.setEncoding('utf8');
    response.on('data', (chunk) => {
      buffer += chunk;
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((line) => line.startsWith('data:'));
        if (!block.includes('event: targets') || !data) continue;
        const { targets } = JSON.parse(data.slice(5));
        process.send({
          type: 'targets',
          member: member.name,
          at: Date.now(),
          digests: targets.map((t) => t.digest),
        });
      }
    });
  });
  request.on('error', (error) => process.send({ type: 'error', member: member.name, reason: error.message }));
  request.end();
}

function report(url, member, containers) {
  const body = JSON.stringify({ version: 'sim', wave: member.wave, containers, outcomes: [] });
  const request = http.request(`${url}/api/v1/fleet/report`, {
    agent,
    method: 'POST',
    headers: { ...headers(member), 'content-type': 'application/json' },
  });
  request.on('response', (response) => {
    response.resume();
    process.send(
      response.statusCode === 204
        ? { type: 'connected', member: member.name }
        : { type: 'error', member: member.name, reason: `report: HTTP ${response.statusCode}` },
    );
  });
  request.on('error', (error) => process.send({ type: 'error', member: member.name, reason: error.message }));
  request.end(body);
}
