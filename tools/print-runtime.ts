/** Prints the runtime the npm scripts use, so every test log says which Node ran it. */
process.stdout.write(`node ${process.version} (${process.execPath})\n`);
