/** The {@code stoker} command: {@code demo} and {@code bench}, built only on the public Java API. */
package dev.stoker.cli;
