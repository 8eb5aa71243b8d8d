// The headless front end arrives with the CLI issue; until then it only names itself.
process.stdout.write('convforge 0.1.0\n');
