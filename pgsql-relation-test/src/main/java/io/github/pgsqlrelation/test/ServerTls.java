package io.github.pgsqlrelation.test;

import java.nio.file.Path;

/**
 * The files a node serves TLS with.
 *
 * @param certificateChain PEM: the server's certificate, then intermediate CA
 * certificates
 * @param privateKey PEM: the server's private key, not encrypted
 */
record ServerTls(Path certificateChain, Path privateKey) {

}
