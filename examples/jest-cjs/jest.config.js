/** @type {import('jest').Config} */
module.exports = {
  preset: 'sandpit',
  testEnvironment: 'node',
};
