// Stands in for the report and browser packages, which the bundled CLI does not carry to the device machine.
module.exports = {};
