/**
 * Data-server nodes on Netty and the client source that streams from them. Not built yet: the
 * module exists so that the build and the CLI already have their final shape.
 */
package dev.stoker.remote;
