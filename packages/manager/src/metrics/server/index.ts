export { SecureMetricsServer, type SecureMetricsServerOptions } from './secure-metrics-server.js';
export { generateSelfSignedCertificate, type CertificateAndKey } from './self-signed-certificate.js';
