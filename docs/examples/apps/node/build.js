// `npm run build`: writes a file the server reads, so a test can see the build step ran.
require('fs').writeFileSync(__dirname + '/build-info.txt', 'built by npm run build\n');
