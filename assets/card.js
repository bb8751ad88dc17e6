// The Print button needs script, so it stays hidden without it.
const button = document.getElementById("print");
button.hidden = false;
button.addEventListener("click", () => window.print());
