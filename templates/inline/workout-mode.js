document.documentElement.classList.add("workout-mode");
