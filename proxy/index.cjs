'use strict';
// require('mfa-otp-flow/server'): Node >= 20.19 and >= 22.12 require() the ES module itself.
module.exports = require('./index.js');
