/**
 * The Stoker wire protocol, shared by both ends: the frame layout and the conversation
 * ({@link dev.stoker.remote.protocol.Protocol}, which draws both), the messages
 * ({@link dev.stoker.remote.protocol.Message}), the codec a pipeline installs
 * ({@link dev.stoker.remote.protocol.Pipelines}), the token handshake
 * ({@link dev.stoker.remote.protocol.TokenAuth}), the plan's JSON
 * ({@link dev.stoker.remote.protocol.PlanJson}) and the dataset fingerprint
 * ({@link dev.stoker.remote.protocol.DatasetIdentity}).
 *
 * <pre>{@code
 * Pipelines.addCodec(ch.pipeline(), Protocol.DEFAULT_MAX_FRAME_BYTES);  // then handlers see Message
 * ch.writeAndFlush(new Message.Hello(Protocol.VERSION, TokenAuth.nonce()));
 * }</pre>
 *
 * <p>Implementation, not API: its public types are public only so that
 * {@code dev.stoker.remote.node} (the server side) and {@code dev.stoker.remote.client} (the
 * loader side) can share them; the module does not export this package. Nothing here depends on
 * either side.
 */
package dev.stoker.remote.protocol;
