namespace Cms.ReaderSdk;

/// <summary>Anything the SDK refuses or cannot do; the message is in Italian, for the operator at the desk.</summary>
public class ReaderSdkException(string message, Exception? inner = null) : Exception(message, inner);
