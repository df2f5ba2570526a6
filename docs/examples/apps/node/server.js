const http = require('http');
const fs = require('fs');
const ms = require('ms');
const built = fs.readFileSync(__dirname + '/build-info.txt', 'utf8').trim();
const port = process.env.PORT || 5000;
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.end(`hello from node: ${ms(90000)} (${built})\n`);
}).listen(port, () => console.log(`listening on ${port}`));
