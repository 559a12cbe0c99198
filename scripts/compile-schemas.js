#!/usr/bin/env node
// Interim: the schema validators are not generated yet.
'use strict';
