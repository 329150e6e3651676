/** @type {import('jest').Config} */
module.exports = {
  preset: 'sandpit-services',
  testEnvironment: 'node',
};
